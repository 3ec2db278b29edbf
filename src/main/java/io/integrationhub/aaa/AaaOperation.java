package io.integrationhub.aaa;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operations of the AAA contract (config/aaa-openapi.yaml): HTTP method and path. A call's parameters fill the
 * {@code {placeholders}} of the path; the rest go in the query (GET) or the JSON body (POST, PUT, PATCH), except
 * {@code idempotencyKey}, which is sent as the {@code Idempotency-Key} header.
 */
public enum AaaOperation {
    createOrganization("POST", "/organizations"),
    getOrganization("GET", "/organizations/{orgId}"),
    listOrganizations("GET", "/organizations"),
    updateOrganization("PATCH", "/organizations/{orgId}"),
    createUser("POST", "/users"),
    findUserByPhone("GET", "/users"),
    listGroups("GET", "/organizations/{orgId}/groups"),
    createGroup("POST", "/organizations/{orgId}/groups"),
    assignPermission("POST", "/organizations/{orgId}/groups/{groupId}/permissions"),
    checkRole("GET", "/organizations/{orgId}/users/{userId}/roles/{role}"),
    assignRole("PUT", "/organizations/{orgId}/users/{userId}/roles/{role}");

    private final String method;
    private final String path;
    private final List<String> pathParameters;

    AaaOperation(String method, String path) {
        this.method = method;
        this.path = path;
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(path);
        this.pathParameters = m.results().map(r -> r.group(1)).toList();
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public List<String> pathParameters() {
        return pathParameters;
    }

    public boolean hasBody() {
        return !method.equals("GET");
    }

    private static final java.util.Map<String, AaaOperation> BY_NAME = java.util.Map.copyOf(
            Arrays.stream(values()).collect(java.util.stream.Collectors.toMap(AaaOperation::name, o -> o)));

    /** The operation of that name; a wrong name in a route is a mistake in the route, named in the message. */
    public static AaaOperation named(String name) {
        AaaOperation operation = BY_NAME.get(name);
        if (operation == null) {
            throw new IllegalArgumentException("aaa-action: unknown operation '" + name + "'; the AAA contract has "
                    + Arrays.toString(values()));
        }
        return operation;
    }
}
