package dev.clearclip.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What the deploy examples may refer to, read from the project itself: sources, pom, scripts. */
final class Project {

    /** Subcommands the examples run; extend when a manifest starts using another one. */
    static final Set<String> SUBCOMMANDS = Set.of("segment", "evaluate");

    /** Jars and scripts that are not ours: EMR's step runner, Google's GPU driver init action. */
    static final Set<String> EXTERNAL_FILES = Set.of("command-runner.jar", "install_gpu_driver.sh");

    private static final Pattern FINAL_NAME = Pattern.compile("<finalName>\\s*([^<\\s]+)\\s*</finalName>");
    private static final Pattern OPTION = Pattern.compile("@Option\\s*\\(\\s*names\\s*=\\s*(\\{[^}]*}|\"[^\"]*\")");
    private static final Pattern LONG_FLAG = Pattern.compile("--[a-z0-9][a-z0-9-]*");
    private static final Pattern COMMAND = Pattern.compile("@Command\\s*\\(\\s*name\\s*=\\s*\"([^\"]+)\"");

    private Project() {
    }

    static Path root() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    static Path deploy() {
        return root().resolve("deploy");
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files under {@code dir} whose name ends with one of {@code suffixes}, sorted. */
    static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jar file names the build produces: every shade finalName in pom.xml, profiles included. */
    static Set<String> builtJars() {
        Set<String> jars = new TreeSet<>();
        Matcher m = FINAL_NAME.matcher(read(root().resolve("pom.xml")));
        while (m.find()) {
            jars.add(m.group(1) + ".jar");
        }
        return jars;
    }

    /** A {@code <name>value</name>} property of pom.xml. */
    static String pomProperty(String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">")
                .matcher(read(root().resolve("pom.xml")));
        if (!m.find()) {
            throw new AssertionError("pom.xml has no property " + name);
        }
        return m.group(1).strip();
    }

    static boolean classExists(String className) {
        return Files.isRegularFile(root().resolve("src/main/java").resolve(className.replace('.', '/') + ".java"));
    }

    /** Every {@code @Command(name = ...)} in src/main/java. */
    static Set<String> declaredCommands() {
        return matches(COMMAND, 1);
    }

    /** Every long flag some {@code @Option(names = ...)} in src/main/java declares. */
    static Set<String> declaredFlags() {
        Set<String> flags = new TreeSet<>();
        for (String names : matches(OPTION, 1)) {
            Matcher m = LONG_FLAG.matcher(names);
            while (m.find()) {
                flags.add(m.group());
            }
        }
        return flags;
    }

    /** Whether a script or jar of that file name is one of ours (deploy/, jobs/) or a known external one. */
    static boolean providedFile(String fileName) {
        if (EXTERNAL_FILES.contains(fileName) || builtJars().contains(fileName)) {
            return true;
        }
        return Stream.of("deploy", "jobs").map(d -> root().resolve(d)).filter(Files::isDirectory)
                .flatMap(d -> files(d, fileName).stream())
                .anyMatch(p -> p.getFileName().toString().equals(fileName));
    }

    private static Set<String> matches(Pattern pattern, int group) {
        Set<String> found = new TreeSet<>();
        for (Path source : files(root().resolve("src/main/java"), ".java")) {
            Matcher m = pattern.matcher(read(source));
            while (m.find()) {
                found.add(m.group(group));
            }
        }
        return found;
    }
}
