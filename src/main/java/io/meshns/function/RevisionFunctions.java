package io.meshns.function;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.meshns.auth.Access;
import io.meshns.auth.Permission;
import io.meshns.error.ErrorCode;
import io.meshns.error.MeshException;
import io.meshns.service.ChangeOptions;
import io.meshns.service.InjectionService;
import io.meshns.service.MigrationService;
import io.quarkus.funqy.Funq;

/** migrateRevision: a fleet's namespaces from one Istio revision to the next, mesh-wide or ring by ring. */
public class RevisionFunctions {

    @Inject
    MigrationService migration;

    @Inject
    Redelivery redelivery;

    @Inject
    Access access;

    @Funq
    public MigrationService.Report migrateRevision(JsonNode body) {
        Input input = Input.of(body, "migrateRevision", "from", "to", "clusters", "namespaces", "dryRun", "force");
        String from = revision(input, "from");
        String to = revision(input, "to");
        if (from.equals(to)) {
            throw ErrorCode.SAME_REVISION.error("'from' and 'to' are both \"" + from
                    + "\": name the revision namespaces run now and the one they should move to");
        }
        MigrationService.Migration asked = new MigrationService.Migration(from, to, input.optionalStringList("clusters"),
                input.optionalStringList("namespaces"));
        boolean dryRun = input.flag("dryRun");
        boolean force = input.flag("force");
        String by = access.require(Permission.namespaces("patch", null));
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
