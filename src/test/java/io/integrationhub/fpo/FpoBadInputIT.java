package io.integrationhub.fpo;

import static org.assertj.core.api.Assertions.assertThat;

import io.integrationhub.support.HubIntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** A bad FPO write answers 400 problem+json naming the field, and writes nothing: no row, no AAA call, no event. */
class FpoBadInputIT extends HubIntegrationTest {

    @Autowired JdbcTemplate jdbc;
    private FpoSupport fpos;

    @BeforeEach
    void setUp() throws Exception {
        fpos = new FpoSupport(port, jdbc, "tenant-" + UUID.randomUUID());
        fpos.resetCalls();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON            | {"name": "X", "registration_no": | request body is not valid JSON
            not an object             | ["X"]                             | request body: must be a JSON object
            missing name              | {"registration_no": "R-1", "ceo": {"phone_number": "+254711111111", "first_name": "A", "last_name": "B"}} | name: is required
            name of the wrong type    | {"name": 7, "registration_no": "R-1", "ceo": {"phone_number": "+254711111111", "first_name": "A", "last_name": "B"}} | name: must be a string, got number
            missing ceo               | {"name": "X", "registration_no": "R-1"} | ceo: is required
            ceo not an object         | {"name": "X", "registration_no": "R-1", "ceo": "Wanjiru"} | ceo: must be an object
            bad phone                 | {"name": "X", "registration_no": "R-1", "ceo": {"phone_number": "0711 111", "first_name": "A", "last_name": "B"}} | ceo.phone_number: must be an E.164 phone number
            missing ceo first name    | {"name": "X", "registration_no": "R-1", "ceo": {"phone_number": "+254711111111", "last_name": "B"}} | ceo.first_name: is required
            bad email                 | {"name": "X", "registration_no": "R-1", "ceo": {"phone_number": "+254711111111", "first_name": "A", "last_name": "B", "email": "no-at-sign"}} | ceo.email: must be an e-mail address
            metadata value not string | {"name": "X", "registration_no": "R-1", "ceo": {"phone_number": "+254711111111", "first_name": "A", "last_name": "B"}, "metadata": {"hectares": 12}} | metadata.hectares: must be a string
            unknown field             | {"name": "X", "registration_no": "R-1", "regNo": "R-1", "ceo": {"phone_number": "+254711111111", "first_name": "A", "last_name": "B"}} | regNo: unknown field
            """)
    void aBadCreateNamesTheFieldAndWritesNothing(String why, String body, String expected) throws Exception {
        long events = jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE aggregate_type = 'fpo'", Long.class);

        HttpResponse<String> answer = fpos.create(body);

        assertThat(answer.statusCode()).as(why).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(FpoSupport.JSON.readTree(answer.body()).path("detail").asText()).as(why).contains(expected);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM fpos WHERE tenant_id = ?", Integer.class, fpos.tenant)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_outbox WHERE aggregate_type = 'fpo'", Long.class))
                .isEqualTo(events);
        assertThat(fpos.calls("findUserByPhone") + fpos.calls("createUser") + fpos.calls("createOrganization")).isZero();
    }

    @Test
    void everyProblemOfABodyIsNamedAtOnce() throws Exception {
        HttpResponse<String> answer = fpos.create("{\"ceo\": {\"phone_number\": \"12\"}}");

        String detail = FpoSupport.JSON.readTree(answer.body()).path("detail").asText();
        assertThat(detail).contains("name: is required", "registration_no: is required", "ceo.phone_number",
                "ceo.first_name: is required", "ceo.last_name: is required");
    }

    @Test
    void aMalformedIdOrStatusIsNamed() throws Exception {
        assertThat(fpos.get("/api/v1/fpos/not-a-uuid").body()).contains("id: must be a UUID");
        HttpResponse<String> status = fpos.get("/api/v1/fpos?status=DONE");
        assertThat(status.statusCode()).isEqualTo(400);
        assertThat(status.body()).contains("status: must be one of");
        assertThat(fpos.get("/api/v1/fpos?size=0").body()).contains("size: must be 1..200");
    }
}
