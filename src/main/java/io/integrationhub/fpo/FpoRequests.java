package io.integrationhub.fpo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integrationhub.platform.web.RequestFields;
import static io.integrationhub.platform.web.RequestFields.kind;
import static io.integrationhub.platform.web.RequestFields.text;
import static io.integrationhub.platform.web.RequestFields.unknownFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Reads FPO request bodies and parameters. Every problem is named by its field ({@code ceo.phone_number: ...}) and
 * all of them are reported at once, before anything is written or AAA is called.
 */
class FpoRequests {

    private static final Pattern E164 = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    private static final Set<String> FIELDS = Set.of("name", "registration_no", "description", "ceo", "metadata");
    private static final Set<String> CEO_FIELDS = Set.of("phone_number", "first_name", "last_name", "email");

    private final ObjectMapper json;

    FpoRequests(ObjectMapper json) {
        this.json = json;
    }

    NewFpo parseCreate(String body) {
        JsonNode root = RequestFields.readObject(json, body);
        List<String> problems = new ArrayList<>();
        unknownFields(root, FIELDS, "", problems);
        String name = text(root, "name", "name", 1, 200, true, problems);
        String registrationNo = text(root, "registration_no", "registration_no", 1, 100, true, problems);
        String description = text(root, "description", "description", 0, 2000, false, problems);
        NewFpo.Ceo ceo = null;
        JsonNode ceoNode = root.get("ceo");
        if (ceoNode == null || ceoNode.isNull()) {
            problems.add("ceo: is required (phone_number, first_name, last_name, email)");
        } else if (!ceoNode.isObject()) {
            problems.add("ceo: must be an object, got " + kind(ceoNode));
        } else {
            unknownFields(ceoNode, CEO_FIELDS, "ceo.", problems);
            String phone = text(ceoNode, "phone_number", "ceo.phone_number", 1, 16, true, problems);
            if (phone != null && !E164.matcher(phone).matches()) {
                problems.add("ceo.phone_number: must be an E.164 phone number such as +254712345678, got '" + phone + "'");
            }
            String first = text(ceoNode, "first_name", "ceo.first_name", 1, 100, true, problems);
            String last = text(ceoNode, "last_name", "ceo.last_name", 1, 100, true, problems);
            String email = text(ceoNode, "email", "ceo.email", 3, 254, false, problems);
            if (email != null && !EMAIL.matcher(email).matches()) {
                problems.add("ceo.email: must be an e-mail address, got '" + email + "'");
            }
            ceo = new NewFpo.Ceo(phone, first, last, email);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) {
                problems.add("metadata: must be an object of strings, got " + kind(meta));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = meta.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    if (!entry.getValue().isTextual()) {
                        problems.add("metadata." + entry.getKey() + ": must be a string, got " + kind(entry.getValue()));
                    } else {
                        metadata.put(entry.getKey(), entry.getValue().asText());
                    }
                }
            }
        }
        RequestFields.check(problems);
        return new NewFpo(name, registrationNo, description, ceo, metadata);
    }

    static UUID id(String value) {
        return RequestFields.uuid(value, "id");
    }

    static int page(Object value, String field, int min, int max) {
        return RequestFields.whole(value, field, min, max);
    }
}
