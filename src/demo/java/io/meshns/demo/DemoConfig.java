package io.meshns.demo;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Sets meshns up for the embedded demo mesh: plain http allowed, caller auth off, and so listening
 * on loopback only. (DemoControlPlane points the client at the control plane, whose port is known
 * only at start.) Ordinal 275: above application.properties, below env and -D flags.
 */
public class DemoConfig implements ConfigSource {

    private static final Map<String, String> PROPERTIES = Map.of(
            "quarkus.kubernetes-client.trust-certs", "true",
            "meshns.allow-plaintext-clusters", "true",
            "meshns.auth.enabled", "false",
            // With auth off, only this machine may call it, and only by a loopback name (no DNS rebinding).
            "quarkus.http.host", "127.0.0.1",
            "meshns.allowed-hosts", "localhost,127.0.0.1,[::1]",
            // The mock API servers log every request at INFO; the demo's own log is easier to read.
            "quarkus.log.category.\"io.fabric8.mockwebserver\".level", "WARN");

    @Override
    public Map<String, String> getProperties() {
        return PROPERTIES;
    }

    @Override
    public Set<String> getPropertyNames() {
        return PROPERTIES.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return PROPERTIES.get(propertyName);
    }

    @Override
    public String getName() {
        return "meshns-demo";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
