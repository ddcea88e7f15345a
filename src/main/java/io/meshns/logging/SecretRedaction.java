package io.meshns.logging;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Keeps credentials out of the log. Quarkus warns at every start that a build-time property was
 * set at run time, and prints its value: for {@code QUARKUS_KUBERNETES_CLIENT_TOKEN} (or a password
 * or client key) that is the control plane's credential. This filter, on the console handler,
 * replaces the value of any property whose name says it is secret.
 */
@LoggingFilter(name = "meshns-secret-redaction")
public final class SecretRedaction implements Filter {

    /** " - NAME is set to 'VALUE' but it is build time fixed to 'VALUE'." as ConfigRecorder writes it. */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(
            "([\\w.\"-]*(?:token|password|passphrase|key-data|secret|cert-data)[\\w.\"-]*) is set to '.*?' "
                    + "but it is build time fixed to '.*?'(?=\\. Did you change)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String message = ext.getFormattedMessage();
            if (message != null && message.contains(" is set to '")) {
                String redacted = redact(message);
                if (!redacted.equals(message)) {
                    ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
                    ext.setParameters(null);
                }
            }
        }
        return true;
    }

    static String redact(String message) {
        Matcher matcher = SECRET_PROPERTY.matcher(message);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(matcher.group(1)
                    + " is set to (redacted) but it is build time fixed to (redacted)"));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
