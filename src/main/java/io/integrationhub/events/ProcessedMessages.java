package io.integrationhub.events;

import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The idempotent-consumer store of a subscription ({@code camel_messageprocessed}): camel-sql's
 * {@link JdbcMessageIdRepository} with a claim that is one statement. Camel's own {@code add} counts the key, then
 * inserts it: two round trips to PostgreSQL for every message a subscription handles, and on a busy machine each round
 * trip waits for the database backend to be scheduled. {@code INSERT ... ON CONFLICT DO NOTHING} claims the key in one,
 * and is also right under concurrency: a second claim of the same key waits for the first one's transaction and then
 * answers "already processed" if it committed, or takes the key if it rolled back (Camel's count-then-insert fails
 * with a duplicate-key error there instead).
 *
 * <p>The claim runs in the caller's transaction when there is one (the subscription's database transaction, so the
 * key and the subscriber's work commit or roll back together).
 */
public class ProcessedMessages extends JdbcMessageIdRepository {

    static final String CLAIM = "INSERT INTO camel_messageprocessed (processorname, messageid) VALUES (?, ?) "
            + "ON CONFLICT DO NOTHING";

    @Override
    protected void doStart() throws Exception {
        // built from the data source when the Kamelet sets only that (its bean is made with the no-argument
        // constructor); both join the subscription's transaction, which is bound to the same data source
        if (jdbcTemplate == null) {
            jdbcTemplate = new JdbcTemplate(dataSource);
        }
        if (transactionTemplate == null) {
            transactionTemplate = createTransactionTemplate(dataSource);
        }
        super.doStart();
    }

    @Override
    public boolean add(String key) {
        return jdbcTemplate.update(CLAIM, processorName, key) == 1;
    }
}
