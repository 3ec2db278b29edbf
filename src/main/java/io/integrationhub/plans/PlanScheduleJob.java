package io.integrationhub.plans;

import java.util.UUID;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tick of a plan's schedule (on whichever replica Quartz chose): publishes the plan's job to plan-jobs. The job id
 * is the plan and the tick's scheduled time, so a tick recovered on another replica is still one execution.
 * Spring's job factory injects the bean.
 */
@DisallowConcurrentExecution
public class PlanScheduleJob implements Job {

    static final String PLAN = "plan";
    static final String TENANT = "tenant";

    @Autowired
    private PlanJobs planJobs;

    @Override
    public void execute(JobExecutionContext context) {
        String plan = context.getMergedJobDataMap().getString(PLAN);
        String tenant = context.getMergedJobDataMap().getString(TENANT);
        planJobs.publish(tenant, UUID.fromString(plan), "schedule",
                "schedule:" + plan + ":" + context.getScheduledFireTime().getTime());
    }
}
