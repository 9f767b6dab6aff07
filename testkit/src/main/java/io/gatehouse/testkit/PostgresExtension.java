package io.gatehouse.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves {@link PostgresDatabase} parameters of constructors, lifecycle and test methods: every
 * resolved parameter is a new, empty database on the JVM's shared {@link EmbeddedPostgresServer}.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class SomethingTest {
 *     @Test
 *     void works(PostgresDatabase database) { ... database.jdbcUrl() ... }
 * }
 * }</pre>
 */
public final class PostgresExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == PostgresDatabase.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return EmbeddedPostgresServer.shared().createPostgresDatabase();
    }
}
