package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The job queue's Kafka side: a schedule tick or a manual run publishes a job to topic plan-jobs (key
 * {@code <tenant>:<plan>}, header event_id = the job id); the subscription plan-workers (routes/plans/plans-jobs)
 * records each job as an execution row, queued or skipped, in the transaction of its once-only key, so a job whose
 * replica died before that commit is consumed again and a job read twice is one execution.
 */
public class PlanJobs {

    private final ProducerTemplate producer;
    private final ObjectMapper json;
    private final PlanExecutionStore executions;
    private final String topicUri;
    private volatile Runnable wakeWorkers = () -> { };
    private final io.micrometer.core.instrument.MeterRegistry meters;

    public PlanJobs(ProducerTemplate producer, ObjectMapper json, PlanExecutionStore executions, String topic,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.producer = producer;
        this.meters = meters;
        this.json = json;
        this.executions = executions;
        this.topicUri = "kafka:" + topic + "?requestRequiredAcks=all";
    }

    void onEnqueued(Runnable wakeWorkers) {
        this.wakeWorkers = wakeWorkers;
    }

    /** Publishes a job and answers its execution id (the execution row appears once plan-workers has read it). */
    public UUID publish(String tenant, UUID plan, String trigger, String jobId) {
        UUID execution = UUID.nameUUIDFromBytes(jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ObjectNode job = json.createObjectNode();
        job.put("job_id", jobId);
        job.put("execution_id", execution.toString());
        job.put("tenant_id", tenant);
        job.put("plan_id", plan.toString());
        job.put("trigger", trigger);
        job.put("requested_at", Instant.now().toString());
        producer.sendBodyAndHeaders(topicUri, job.toString(), Map.of(KafkaConstants.KEY, tenant + ":" + plan,
                "event_id", jobId, "tenant", tenant));
        meters.counter("plan.jobs.published", "trigger", trigger).increment();
        return execution;
    }

    /** plan-workers: one job into the queue (inside the subscription's transaction); wakes the workers after commit. */
    public void enqueue(Exchange exchange) throws Exception {
        JsonNode job = json.readTree(exchange.getMessage().getBody(String.class));
        String status = executions.enqueue(UUID.fromString(job.path("execution_id").asText()),
                job.path("job_id").asText(), job.path("tenant_id").asText(), UUID.fromString(job.path("plan_id").asText()),
                job.path("trigger").asText("manual")).orElse("gone");
        exchange.getMessage().setHeader("planJobStatus", status);
        if (status.equals("queued")) {
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        wakeWorkers.run();
                    }
                });
            } else {
                wakeWorkers.run();
            }
        }
    }
}
