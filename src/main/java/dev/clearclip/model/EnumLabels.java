package dev.clearclip.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The lower-case names that settings and flags use for the model's enums. */
final class EnumLabels {
    private EnumLabels() {
    }

    static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** {@code text} as a constant of {@code type}, any case; else an error naming {@code what} and every label. */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String text) {
        E[] values = type.getEnumConstants();
        for (E value : values) {
            if (value.name().equalsIgnoreCase(text.strip())) {
                return value;
            }
        }
        List<String> labels = Arrays.stream(values).map(EnumLabels::label).toList();
        String choices = String.join(", ", labels.subList(0, labels.size() - 1)) + " or " + labels.get(labels.size() - 1);
        throw new IllegalArgumentException("unknown " + what + " '" + text + "': expected " + choices);
    }
}
