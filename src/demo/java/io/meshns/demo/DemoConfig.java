package io.meshns.demo;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points meshns at the embedded demo mesh: the control plane on loopback port 18001, plain http
 * allowed, caller auth off, and so listening on loopback only. Ordinal 275: above application.properties, below env and -D flags.
 */
public class DemoConfig implements ConfigSource {

    static final int CONTROL_PLANE_PORT = 18001;
    static final int EAST_PORT = 18002;
    static final int WEST_PORT = 18003;

    private static final Map<String, String> PROPERTIES = Map.of(
            "quarkus.kubernetes-client.api-server-url", "http://127.0.0.1:" + CONTROL_PLANE_PORT,
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
