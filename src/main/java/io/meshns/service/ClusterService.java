package io.meshns.service;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.meshns.cluster.Cluster;
import io.meshns.cluster.ClusterRegistry;
import io.meshns.state.ClusterRecord;

/** Registers and lists data-plane clusters, as callers see them (never with credentials). */
@ApplicationScoped
public class ClusterService {

    private final ClusterRegistry registry;

    public ClusterService(ClusterRegistry registry) {
        this.registry = registry;
    }

    public Cluster register(ClusterRegistry.Registration registration) {
        ClusterRecord record = registry.register(registration);
        return view(record, registration.credentials().kind());
    }

    public void deregister(String name) {
        registry.deregister(name);
    }

    public List<Cluster> list() {
        Map<String, String> kinds = registry.credentialKinds();
        return registry.list().stream().map(record -> view(record, kinds.getOrDefault(record.name(), "missing"))).toList();
    }

    static Cluster view(ClusterRecord record, String credentialKind) {
        return new Cluster(record.name(), record.server(), record.labels(), credentialKind,
                record.registered() == null ? null : record.registered().toString(), null);
    }
}
