package dev.clearclip.vocabulary;

import java.util.List;

/** One class of a vocabulary: its index, display name (the first synonym) and every name it is queried with. */
public record VocabularyClass(int id, String name, List<String> synonyms) {
    public VocabularyClass {
        if (id < 0) {
            throw new IllegalArgumentException("class id must be >= 0, got " + id);
        }
        synonyms = List.copyOf(synonyms);
        if (synonyms.isEmpty()) {
            throw new IllegalArgumentException("class " + id + " has no names");
        }
        for (String s : synonyms) {
            if (s.isBlank() || !s.equals(s.strip())) {
                throw new IllegalArgumentException("class " + id + " has an empty or unstripped name: '" + s + "'");
            }
        }
        if (!synonyms.get(0).equals(name)) {
            throw new IllegalArgumentException("class " + id + " name '" + name + "' must be its first synonym '"
                    + synonyms.get(0) + "'");
        }
    }

    public static VocabularyClass of(int id, List<String> synonyms) {
        return new VocabularyClass(id, synonyms.isEmpty() ? null : synonyms.get(0), synonyms);
    }
}
