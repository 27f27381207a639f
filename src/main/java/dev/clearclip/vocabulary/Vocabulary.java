package dev.clearclip.vocabulary;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The classes to segment, as in ClearCLIP's class-name files: one class per line, synonyms separated by ','. Every
 * synonym is a query; a pixel's class is that of its best query.
 */
public record Vocabulary(String name, List<VocabularyClass> classes) {
    public Vocabulary {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("vocabulary name must not be blank, got '" + name + "'");
        }
        classes = List.copyOf(classes);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("vocabulary '" + name + "' has no classes");
        }
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).id() != i) {
                throw new IllegalArgumentException("vocabulary '" + name + "': class at index " + i + " has id "
                        + classes.get(i).id());
            }
        }
        checkUnique(classes, "vocabulary '" + name + "'", id -> "class " + id, false);
    }

    /** parses class-file text; {@code name} identifies the vocabulary in errors and provenance */
    public static Vocabulary parse(String name, String fileContent) {
        return parse(name, "vocabulary '" + name + "'", fileContent, true);
    }

    /**
     * A class list shipped with a method's official configs, read as the official code reads it: a name may appear in
     * two classes (NACLIP's and SC-CLIP's COCO-Object file lists "bed" as a background name and as a class); both
     * queries score the same and the first class wins the tie, as the official argmax does.
     */
    public static Vocabulary parseOfficial(String name, String fileContent) {
        return parse(name, "vocabulary '" + name + "'", fileContent, false);
    }

    /** a UTF-8 class file; the vocabulary is named after the file without its extension */
    public static Vocabulary load(Path file) throws IOException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("vocabulary file " + file + " is not valid UTF-8", e);
        }
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return parse(dot > 0 ? fileName.substring(0, dot) : fileName, "vocabulary file " + file, content, true);
    }

    private static Vocabulary parse(String name, String source, String content, boolean acrossClasses) {
        if (content.startsWith("\uFEFF")) {
            content = content.substring(1); // a BOM would otherwise become part of the first class name
        }
        List<String> lines = new ArrayList<>(content.lines().toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1); // trailing blank lines are formatting, not classes
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(source + " has no classes");
        }
        List<VocabularyClass> classes = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": empty line (every line is a class)");
            }
            List<String> synonyms = new ArrayList<>();
            for (String part : line.split(",", -1)) {
                String synonym = part.strip();
                if (synonym.isEmpty()) {
                    throw new IllegalArgumentException(source + " line " + (i + 1) + ": empty class name in '"
                            + line + "'");
                }
                synonyms.add(synonym);
            }
            classes.add(VocabularyClass.of(i, synonyms));
        }
        checkUnique(classes, source, id -> "line " + (id + 1), acrossClasses);
        return new Vocabulary(name, classes);
    }

    // names that tokenize the same (case, whitespace) would make two classes compete for the same query
    private static void checkUnique(List<VocabularyClass> classes, String source, IntFunction<String> where,
                                    boolean acrossClasses) {
        Map<String, Integer> seen = new HashMap<>();
        for (VocabularyClass c : classes) {
            if (!acrossClasses) {
                seen.clear();
            }
            for (String synonym : c.synonyms()) {
                String key = synonym.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                Integer first = seen.putIfAbsent(key, c.id());
                if (first != null) {
                    throw new IllegalArgumentException(source + " " + where.apply(c.id()) + ": duplicate class name '"
                            + synonym + "' (already on " + where.apply(first) + ")");
                }
            }
        }
    }

    public int size() {
        return classes.size();
    }

    /** every synonym of every class, in file order: the words the text encoder embeds */
    public List<String> queries() {
        return classes.stream().flatMap(c -> c.synonyms().stream()).toList();
    }

    /** for each entry of {@link #queries()}, the id of its class */
    public int[] classOfQuery() {
        return classes.stream().flatMapToInt(c -> c.synonyms().stream().mapToInt(s -> c.id())).toArray();
    }

    public List<String> classNames() {
        return classes.stream().map(VocabularyClass::name).toList();
    }

    /** the vocabulary as a normalised class file: stripped synonyms joined by ',', one '\n'-terminated line each */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder();
        classes.forEach(c -> sb.append(String.join(",", c.synonyms())).append('\n'));
        return sb.toString();
    }

    /** hex SHA-256 of {@link #canonicalText()} in UTF-8, for provenance */
    public String sha256() {
        return dev.clearclip.io.Hashes.sha256Hex(canonicalText());
    }
}
