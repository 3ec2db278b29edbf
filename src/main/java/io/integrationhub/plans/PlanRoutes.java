package io.integrationhub.plans;

import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.FilterDefinition;
import org.apache.camel.model.LoopDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.SplitDefinition;
import org.apache.camel.model.language.LanguageExpression;
import org.apache.camel.spi.ExecutorServiceManager;

/**
 * Compiles one plan into its Camel route {@code plan-<tenant>-<name>} (from {@code direct:plan-<tenant>-<name>}; the
 * plans-worker route calls it for each execution). Each step is an EIP: a request is the plan-http-action Kamelet
 * (through route plans-http, which owns the Kamelet's route so it outlives any one plan; in a loop over the pages), for_each a split (parallel up to its concurrency on a thread pool of
 * its own), condition a choice, filter a filter, extract a variable set by the {@code jmespath} language, emit the
 * plan-entity-sink Kamelet (through route plans-entities). The beans of {@link PlanSteps} do only what an EIP cannot: the page arithmetic, the
 * entity records, the context values. No error handler: a failure ends the execution (the worker records it).
 */
final class PlanRoutes extends RouteBuilder {

    static final String HTTP_ACTION = "direct:plans-http";
    static final String ENTITY_SINK = "direct:plans-entities";

    private final CompiledPlan plan;

    PlanRoutes(CompiledPlan plan) {
        this.plan = plan;
    }

    @Override
    public void configure() {
        errorHandler(noErrorHandler());
        // a disabled plan's route is there but stopped, and not started by itself: Camel's route health check counts
        // a stopped route as DOWN unless it is one that does not start by itself
        var route = from("direct:" + plan.routeId()).routeId(plan.routeId()).routeGroup("plans")
                .autoStartup(plan.spec().enabled())
                .routeDescription("Integration plan " + plan.spec().name() + " of tenant " + plan.tenant() + " (version "
                        + plan.version() + "): " + plan.spec().steps().size() + " top-level step(s)"
                        + (plan.spec().schedule() == null ? ", run by hand" : ", " + plan.spec().schedule().describe()));
        steps(route, plan.spec().steps());
    }

    private void steps(ProcessorDefinition<?> block, List<PlanStep> steps) {
        for (PlanStep step : steps) {
            step(block, step);
        }
    }

    private void step(ProcessorDefinition<?> block, PlanStep step) {
        String id = step.id();
        if (step instanceof PlanStep.Request request) {
            block.setVariable(PlanSteps.outer(id), body());
            named(block.bean(PlanSteps.BEAN, "beginRequest(${exchange}, '" + id + "')"), id + "-begin");
            LoopDefinition pages = block.loopDoWhile(simple("${variable." + PlanSteps.paging(id) + ".due}"));
            pages.setId(node(id + "-pages"));
            pages.setVariable(PlanSteps.CURRENT_REQUEST, constant(id));
            named(pages.to(HTTP_ACTION), id);
            named(pages.bean(PlanSteps.BEAN, "page(${exchange}, '" + id + "')"), id + "-page");
            steps(pages, request.steps());
            // the steps after the request see the document they saw before it (the item, the outer page)
            block.setBody(variable(PlanSteps.outer(id)));
        } else if (step instanceof PlanStep.Extract extract) {
            named(block.setVariable(PlanSteps.result(id), jmespath(extract.expression())), id);
        } else if (step instanceof PlanStep.ForEach forEach) {
            SplitDefinition split = block.split(jmespath(forEach.items())).stopOnException();
            split.setId(node(id));
            if (forEach.concurrency() > 1) {
                split.parallelProcessing().executorService(fanOutPool(forEach.concurrency()));
            }
            split.setVariable(PlanSteps.ITEM, body());
            split.setVariable(PlanSteps.each(id), body());
            steps(split, forEach.steps());
        } else if (step instanceof PlanStep.Condition condition) {
            ChoiceDefinition choice = block.choice();
            choice.setId(node(id));
            choice.when(jmespath(condition.when()));
            // steps added to a choice go to its current clause: the when, then the otherwise
            steps(choice, condition.steps());
            if (!condition.otherwise().isEmpty()) {
                choice.otherwise();
                steps(choice, condition.otherwise());
            }
        } else if (step instanceof PlanStep.Filter filter) {
            FilterDefinition test = block.filter(jmespath(filter.where()));
            test.setId(node(id));
            steps(test, filter.steps());
        } else if (step instanceof PlanStep.Emit) {
            block.setVariable(PlanSteps.DOCUMENT, body());
            named(block.bean(PlanSteps.BEAN, "entities(${exchange}, '" + id + "')"), id + "-records");
            named(block.to(ENTITY_SINK), id);
            block.setBody(variable(PlanSteps.DOCUMENT));
        } else if (step instanceof PlanStep.Context) {
            named(block.bean(PlanSteps.BEAN, "remember(${exchange}, '" + id + "')"), id);
        }
    }

    private static LanguageExpression jmespath(String expression) {
        return new LanguageExpression("jmespath", expression);
    }

    /** Names the node just added to {@code block} (the DSL methods return the block, not the node). */
    private void named(ProcessorDefinition<?> block, String stepNode) {
        List<ProcessorDefinition<?>> outputs = block.getOutputs();
        outputs.get(outputs.size() - 1).setId(node(stepNode));
    }

    /** A node id unique in the Camel context (node ids are): the route id, then the step id. */
    private String node(String stepNode) {
        return plan.routeId() + "." + stepNode;
    }

    /**
     * The thread pool profile of a for_each of this concurrency: each split makes its own pool from it (so nested
     * fan-outs never wait on each other's threads) and Camel shuts that pool down with the route.
     */
    private String fanOutPool(int concurrency) {
        String name = "planFanOut" + concurrency;
        ExecutorServiceManager manager = getContext().getExecutorServiceManager();
        if (manager.getThreadPoolProfile(name) == null) {
            manager.registerThreadPoolProfile(new ThreadPoolProfileBuilder(name).poolSize(concurrency)
                    .maxPoolSize(concurrency).maxQueueSize(-1).build());
        }
        return name;
    }
}
