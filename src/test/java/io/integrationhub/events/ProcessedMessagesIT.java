package io.integrationhub.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integrationhub.support.HubIntegrationTest;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The subscriptions' idempotent-consumer store claims a key in one statement, in the caller's transaction, and two
 * concurrent claims of one key give it to exactly one of them.
 */
class ProcessedMessagesIT extends HubIntegrationTest {

    @Autowired DataSource dataSource;
    @Autowired JdbcTemplate jdbc;
    @Autowired PlatformTransactionManager transactions;

    private final String processor = "processed-it-" + UUID.randomUUID();
    private ProcessedMessages repository;
    private TransactionTemplate tx;

    @BeforeEach
    void repository() throws Exception {
        repository = new ProcessedMessages();
        repository.setDataSource(dataSource);
        repository.setProcessorName(processor);
        repository.start();
        tx = new TransactionTemplate(transactions);
    }

    @Test
    void aKeyIsClaimedOnceAndAnotherProcessorHasItsOwn() throws Exception {
        assertThat(repository.add("k1")).isTrue();
        assertThat(repository.add("k1")).isFalse();
        assertThat(repository.contains("k1")).isTrue();
        ProcessedMessages other = new ProcessedMessages();
        other.setDataSource(dataSource);
        other.setProcessorName(processor + "-other");
        other.start();
        assertThat(other.add("k1")).isTrue();
        assertThat(keys()).isEqualTo(1);
    }

    @Test
    void aClaimInATransactionThatRollsBackLeavesNoKey() {
        tx.executeWithoutResult(status -> {
            assertThat(repository.add("rolled-back")).isTrue();
            status.setRollbackOnly();
        });
        assertThat(keys()).isZero();
        assertThat(repository.add("rolled-back")).isTrue();
    }

    @Test
    void ofTwoConcurrentClaimsOfOneKeyTheSecondWaitsAndLosesWhenTheFirstCommits() throws Exception {
        assertThat(concurrentClaim(true)).isFalse();
        assertThat(keys()).isEqualTo(1);
    }

    @Test
    void ofTwoConcurrentClaimsOfOneKeyTheSecondTakesItWhenTheFirstRollsBack() throws Exception {
        assertThat(concurrentClaim(false)).isTrue();
        assertThat(keys()).isEqualTo(1);
    }

    /** The first transaction claims the key and holds it; the second claims while it is open; then the first ends. */
    private boolean concurrentClaim(boolean firstCommits) throws Exception {
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            boolean won = repository.add("contended");
            claimed.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> finish.getCount() == 0);
            if (!firstCommits) {
                status.setRollbackOnly();
            }
            return won;
        }));
        assertThat(claimed.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> tx.execute(status -> repository.add("contended")));
        // the second claim waits on the first one's row lock until that transaction ends
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
        finish.countDown();
        assertThat(first.get(20, TimeUnit.SECONDS)).isTrue();
        return second.get(20, TimeUnit.SECONDS);
    }

    private int keys() {
        return jdbc.queryForObject("SELECT count(*) FROM camel_messageprocessed WHERE processorname = ?", Integer.class,
                processor);
    }
}
