package dev.clearclip.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** What the deploy examples may refer to, read from the project itself: sources, pom, scripts. */
final class Project {

    /** Subcommands the examples run; extend when a manifest starts using another one. */
    static final Set<String> SUBCOMMANDS = Set.of("segment", "evaluate");

    /** Jars and scripts that are not ours: EMR's step runner, Google's GPU driver init action. */
    static final Set<String> EXTERNAL_FILES = Set.of("command-runner.jar", "install_gpu_driver.sh");

    private static final Pattern PROPERTY_REF = Pattern.compile("\\$\\{([^}]+)}");
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

    /**
     * Jar file names the build produces: every shade finalName in pom.xml, with {@code ${property}} resolved against
     * the default properties and against each profile's (a profile may rename the jar, e.g. -Pgpu, -Pspark35).
     */
    static Set<String> builtJars() {
        Element project = pom();
        List<Map<String, String>> propertySets = new ArrayList<>();
        Map<String, String> defaults = properties(project);
        propertySets.add(defaults);
        for (Element profile : descendants(project, "profile")) {
            Map<String, String> merged = new HashMap<>(defaults);
            merged.putAll(properties(profile));
            propertySets.add(merged);
        }
        Set<String> jars = new TreeSet<>();
        for (Element finalName : descendants(project, "finalName")) {
            for (Map<String, String> properties : propertySets) {
                jars.add(resolve(finalName.getTextContent().strip(), properties) + ".jar");
            }
        }
        return jars;
    }

    private static String resolve(String value, Map<String, String> properties) {
        Matcher m = PROPERTY_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = properties.get(m.group(1));
            if (replacement == null) {
                throw new AssertionError("pom.xml refers to undefined property ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    /** The direct {@code <properties>} of a project or profile element. */
    private static Map<String, String> properties(Element owner) {
        Map<String, String> properties = new HashMap<>();
        for (Node n = owner.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("properties")) {
                for (Node p = e.getFirstChild(); p != null; p = p.getNextSibling()) {
                    if (p instanceof Element property) {
                        properties.put(property.getTagName(), property.getTextContent().strip());
                    }
                }
            }
        }
        return properties;
    }

    private static List<Element> descendants(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> found = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    private static Element pom() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(root().resolve("pom.xml").toFile()).getDocumentElement();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParserConfigurationException | SAXException e) {
            throw new AssertionError("pom.xml does not parse: " + e.getMessage(), e);
        }
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
