package io.meshns.function;

import java.util.List;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.error.ErrorCode;
import io.meshns.mesh.RevisionReport;
import io.meshns.service.ChangeOptions;
import io.meshns.service.InjectionService;
import io.meshns.service.MigrationService;
import io.meshns.service.RevisionService;
import io.quarkus.funqy.Funq;

/**
 * A fleet's Istio revision upgrade: describeRevisions (which revisions each cluster has, and what
 * still uses each; writes nothing) and migrateRevision (namespaces from one revision to the next,
 * mesh-wide or ring by ring).
 */
public class RevisionsFunction {

    @Inject
    RevisionService revisions;

    @Inject
    MigrationService migration;

    @Inject
    Redelivery redelivery;

    @Inject
    ClusterRegistry registry;

    @Inject
    Access access;

    @Funq
    public RevisionReport describeRevisions(JsonNode body) {
        Input input = Input.of(body, "describeRevisions", "clusters", "clusterSelector");
        ClusterChoice choice = ClusterChoice.of(input);
        // The whole fleet's namespaces are read: the right describeMesh asks for them.
        access.require(Permission.namespaces("list", null));
        return revisions.describe(choice.names(registry));
    }

    @Funq
    public MigrationService.Report migrateRevision(JsonNode body) {
        Input input = Input.of(body, "migrateRevision", "from", "to", "clusters", "clusterSelector", "namespaces", "dryRun",
                "force");
        ClusterChoice choice = ClusterChoice.of(input);
        String from = revision(input, "from");
        String to = revision(input, "to");
        if (from.equals(to)) {
            throw ErrorCode.SAME_REVISION.error("'from' and 'to' are both \"" + from
                    + "\": name the revision namespaces run now and the one they should move to");
        }
        List<String> namespaces = input.optionalStringList("namespaces");
        boolean dryRun = input.flag("dryRun");
        boolean force = input.flag("force");
        String by = access.require(Permission.namespaces("patch", null));
        MigrationService.Migration asked = new MigrationService.Migration(from, to, choice.names(registry), namespaces);
        return redelivery.once("migrateRevision", input.body(), MigrationService.Report.class,
                () -> migration.migrate(asked, new ChangeOptions(dryRun, force, by)));
    }

    /** A revision or tag name; "default" stands for istio-injection=enabled. */
    private static String revision(Input input, String field) {
        String name = input.requiredString(field);
        if (!"default".equals(name)) {
            InjectionService.revision(name);
        }
        return name;
    }
}
