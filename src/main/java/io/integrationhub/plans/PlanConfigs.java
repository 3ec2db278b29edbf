package io.integrationhub.plans;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integrationhub.platform.SecretCipher;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;

/**
 * Config values: the secret fields (those the integration's schema marks {@code format: password} or
 * {@code writeOnly}) are split off and stored encrypted under hub.plans.secret-key; an execution gets them back
 * merged, the API never (it lists their names under {@code secret_fields}).
 */
class PlanConfigs {

    record Split(ObjectNode plain, byte[] secrets) {}

    private final PlanStore store;
    private final SecretCipher cipher;
    private final ObjectMapper json;

    PlanConfigs(PlanStore store, SecretCipher cipher, ObjectMapper json) {
        this.store = store;
        this.cipher = cipher;
        this.json = json;
    }

    Split split(ObjectNode values, Set<String> secretFields) {
        ObjectNode plain = values.deepCopy();
        ObjectNode secret = json.createObjectNode();
        for (String field : secretFields) {
            JsonNode value = plain.remove(field);
            if (value != null) {
                secret.set(field, value);
            }
        }
        return new Split(plain, secret.isEmpty() ? null : cipher.encrypt(secret.toString()));
    }

    /** The config's values with its secrets, for an execution; an empty object for a plan without a config. */
    ObjectNode values(UUID configId) {
        if (configId == null) {
            return json.createObjectNode();
        }
        PlanStore.ConfigRow row = store.config(configId)
                .orElseThrow(() -> new PlanStepException("config " + configId + " no longer exists"));
        return merged(row);
    }

    ObjectNode merged(PlanStore.ConfigRow row) {
        ObjectNode values = row.values().deepCopy();
        if (row.secrets() != null) {
            try {
                values.setAll((ObjectNode) json.readTree(decrypt(row)));
            } catch (IOException e) {
                throw new IllegalStateException("the secrets of config " + row.id() + " are not JSON", e);
            }
        }
        return values;
    }

    private String decrypt(PlanStore.ConfigRow row) {
        try {
            return cipher.decrypt(row.secrets());
        } catch (RuntimeException e) {
            throw new PlanStepException("the secret fields of config " + row.id() + " cannot be decrypted (was "
                    + "HUB_PLANS_SECRET_KEY changed?)");
        }
    }

    /** The names of the secret fields a config has stored. */
    Set<String> secretNames(PlanStore.ConfigRow row) {
        if (row.secrets() == null) {
            return Set.of();
        }
        try {
            Set<String> names = new java.util.TreeSet<>();
            json.readTree(decrypt(row)).fieldNames().forEachRemaining(names::add);
            return names;
        } catch (IOException e) {
            return Set.of();
        }
    }
}
