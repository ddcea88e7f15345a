package io.meshns.kube;

import java.net.URI;
import java.util.Set;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Names meshns as the field manager of every write it makes ({@code fieldManager=meshns}), so that
 * {@code managedFields} show which labels and annotations are meshns' and GitOps tools can be told
 * to leave them alone. fabric8 sends a field manager on patches and server-side applies only, not
 * on creates and updates: so the control-plane client carries this interceptor, and the requests
 * meshns builds itself ({@link ClusterRequests}) name it in their URL.
 */
public final class FieldManager implements Interceptor {

    /** The field manager meshns writes as, in every cluster. */
    public static final String NAME = "meshns";

    /** The interceptor's name in a client's chain. */
    public static final String INTERCEPTOR = "meshns-field-manager";

    private static final String PARAMETER = "fieldManager=";

    /**
     * TokenReviews and SubjectAccessReviews are questions sent as creates: nothing is stored, so
     * nothing is managed, and they go as they are.
     */
    private static final String[] REVIEWS = { "/apis/authentication.k8s.io/", "/apis/authorization.k8s.io/" };

    /** The methods that write; a DELETE takes no field manager (DeleteOptions has none). */
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH");

    /** {@code path} (with or without a query) with meshns named as its field manager. */
    public static String on(String path) {
        return path + (path.contains("?") ? "&" : "?") + PARAMETER + NAME;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (!WRITES.contains(request.method())) {
            return;
        }
        URI uri = request.uri();
        if (uri.getPath().contains(REVIEWS[0]) || uri.getPath().contains(REVIEWS[1])) {
            return;
        }
        String query = uri.getRawQuery();
        if (query != null && ("&" + query).contains("&" + PARAMETER)) {
            // Named already, by a patch's PatchContext or by ClusterRequests.
            return;
        }
        builder.uri(URI.create(on(uri.toString())));
    }
}
