package io.integrationhub.fpo;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A valid {@code POST /api/v1/fpos} body (FpoRequests checked it). */
record NewFpo(String name, @JsonProperty("registration_no") String registrationNo, String description, Ceo ceo,
        Map<String, String> metadata) {

    record Ceo(@JsonProperty("phone_number") String phoneNumber, @JsonProperty("first_name") String firstName,
            @JsonProperty("last_name") String lastName, String email) {}
}
