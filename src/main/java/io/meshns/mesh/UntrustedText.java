package io.meshns.mesh;

/**
 * Text that a data-plane cluster (or any other peer) chose, made safe to show, log and store: no
 * control or formatting characters (no forged log lines, no hidden text), and at most
 * {@link #MAX_BYTES} bytes of UTF-8, so no answer, ConfigMap or Event grows with what a peer sends.
 */
public final class UntrustedText {

    /** The most one piece of a peer's text may take, in UTF-8 bytes. */
    public static final int MAX_BYTES = 1024;
    private static final String CUT = "…";

    private UntrustedText() {
    }

    /** {@code text} cleaned and cut to {@link #MAX_BYTES}; null stays null. */
    public static String clean(String text) {
        return clean(text, MAX_BYTES);
    }

    /** {@code text} cleaned and cut to at most {@code maxBytes} bytes of UTF-8 (an ellipsis marks a cut). */
    public static String clean(String text, int maxBytes) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), maxBytes));
        int bytes = 0;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isHidden(c)) {
                // A run of them becomes one space: the words on either side stay apart.
                if (out.length() == 0 || out.charAt(out.length() - 1) == ' ') {
                    continue;
                }
                c = ' ';
            } else if (Character.isSurrogate((char) c)) {
                c = '\uFFFD';
            }
            if (bytes + utf8Length(c) > maxBytes) {
                return cut(out, bytes, maxBytes - utf8Length(CUT.codePointAt(0)));
            }
            out.appendCodePoint(c);
            bytes += utf8Length(c);
        }
        return out.toString().stripTrailing();
    }

    /** True when {@code text} holds a control, format or separator character: never part of a credential. */
    public static boolean hasControlCharacters(String text) {
        return text != null && text.codePoints().anyMatch(UntrustedText::isHidden);
    }

    private static String cut(StringBuilder out, int bytes, int budget) {
        while (bytes > budget) {
            int last = out.codePointBefore(out.length());
            out.setLength(out.length() - Character.charCount(last));
            bytes -= utf8Length(last);
        }
        return out.append(CUT).toString();
    }

    /** The bytes {@code text} takes in UTF-8 (a lone surrogate as the replacement character's three). */
    public static int utf8Length(String text) {
        int size = 0;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            size += utf8Length(c);
        }
        return size;
    }

    private static int utf8Length(int c) {
        return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }

    /** Control characters (line breaks, escapes), format characters (bidi overrides, zero-width) and separators. */
    private static boolean isHidden(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
