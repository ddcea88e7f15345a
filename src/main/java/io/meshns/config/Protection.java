package io.meshns.config;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.meshns.mesh.ProtectedNamespaces;

/** Builds the protected-namespace rule from configuration, once. */
public class Protection {

    @Produces
    @ApplicationScoped
    ProtectedNamespaces protectedNamespaces(MeshConfig config) {
        return new ProtectedNamespaces(config.stateNamespace(), config.protectedNamespaces().orElse(List.of()));
    }
}
