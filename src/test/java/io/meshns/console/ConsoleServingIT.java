package io.meshns.console;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The packaged artifact serves the console and its headers too (the files come from the jar, not the source tree). */
@QuarkusIntegrationTest
class ConsoleServingIT extends ConsoleServingTest {
}
