package io.meshns.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.meshns.config.MeshConfig;

/** A MeshConfig for tests that build services by hand, without Quarkus. */
public record TestConfig(Duration fanoutTimeout, Duration callTimeout) implements MeshConfig {

    public static TestConfig withFanoutTimeout(Duration fanoutTimeout) {
        return new TestConfig(fanoutTimeout, Duration.ofSeconds(50));
    }

    @Override
    public String stateNamespace() {
        return "meshns-system";
    }

    @Override
    public int listPageSize() {
        return 500;
    }

    @Override
    public int describePageSize() {
        return 5000;
    }

    @Override
    public boolean allowPlaintextClusters() {
        return true;
    }

    @Override
    public Optional<List<String>> protectedNamespaces() {
        return Optional.empty();
    }

    @Override
    public Optional<List<String>> allowedHosts() {
        return Optional.empty();
    }

    @Override
    public Auth auth() {
        return new Auth() {
            @Override
            public boolean enabled() {
                return false;
            }

            @Override
            public Duration cacheTtl() {
                return Duration.ofSeconds(10);
            }

            @Override
            public Optional<List<String>> audiences() {
                return Optional.empty();
            }
        };
    }
}
