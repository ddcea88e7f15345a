package io.meshns.api.namespaces;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The user journey against the packaged artifact (the jar here; the native binary where one is built). */
@QuarkusIntegrationTest
class UserJourneyIT extends UserJourneyTest {
}
