package io.integrationhub.plans;

import java.util.Date;
import java.util.UUID;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

/**
 * The schedule of each plan as one job and trigger of the hub's clustered Quartz scheduler (JDBC store in PostgreSQL,
 * job group {@value #GROUP}): a tick fires on exactly one replica and publishes the plan's job to plan-jobs
 * ({@link PlanScheduleJob}). Scheduling and unscheduling write the shared store, in the caller's transaction (Spring's
 * Quartz job store joins it), so creating, changing, disabling or deleting a plan changes its trigger cluster-wide:
 * a deleted or disabled plan leaves no trigger behind.
 */
class PlanSchedules {

    static final String GROUP = "plans";

    private final Scheduler scheduler;

    PlanSchedules(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    static JobKey key(UUID plan) {
        return JobKey.jobKey("plan-" + plan, GROUP);
    }

    /** Makes the plan's trigger what its schedule says: none when it has no schedule or is disabled. */
    void apply(UUID plan, String tenant, PlanParser.Schedule schedule, boolean enabled) {
        try {
            if (schedule == null || !enabled) {
                scheduler.deleteJob(key(plan));
                return;
            }
            JobDetail job = JobBuilder.newJob(PlanScheduleJob.class).withIdentity(key(plan)).storeDurably(false)
                    .usingJobData(PlanScheduleJob.PLAN, plan.toString()).usingJobData(PlanScheduleJob.TENANT, tenant)
                    .withDescription("publishes plan " + plan + "'s job to plan-jobs").build();
            ScheduleBuilder<? extends Trigger> when = schedule.interval() != null
                    ? SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(schedule.interval().toMillis())
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount()
                    : CronScheduleBuilder.cronSchedule(schedule.cron()).withMisfireHandlingInstructionDoNothing();
            Date first = schedule.interval() != null ? new Date(System.currentTimeMillis() + schedule.interval().toMillis())
                    : new Date();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity("plan-" + plan, GROUP).forJob(job)
                    .startAt(first).withSchedule(when).build();
            scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("the schedule of plan " + plan + " could not be stored in Quartz: "
                    + e.getMessage(), e);
        }
    }

    void remove(UUID plan) {
        apply(plan, null, null, false);
    }

    boolean exists(UUID plan) {
        try {
            return scheduler.checkExists(key(plan));
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }
}
