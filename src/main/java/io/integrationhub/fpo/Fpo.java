package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/** One row of {@code fpos}: the hub's local reference to an FPO whose identity lives in AAA. */
public record Fpo(UUID id, String tenantId, String name, String registrationNo, String description, JsonNode ceo,
        JsonNode metadata, String aaaOrgId, String ceoUserId, FpoStatus status, JsonNode setupProgress,
        JsonNode setupErrors, int setupAttempts, long version, Instant statusChangedAt, Instant lastSetupAt,
        Instant syncedAt, Instant notifiedAt, String createdBy, Instant createdAt, Instant updatedAt) {

    /** Hours in the current state, for the stuck list. */
    public double hoursInState(Instant now) {
        return Math.round((now.toEpochMilli() - statusChangedAt.toEpochMilli()) / 36_000.0) / 100.0;
    }
}
