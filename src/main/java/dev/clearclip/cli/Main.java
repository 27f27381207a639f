package dev.clearclip.cli;

import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.HubAccess;
import dev.clearclip.weights.ModelResolver;
import dev.clearclip.weights.WeightsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code clearclip} command line. Exit status: 0 ok, 2 bad input or usage (one line on stderr naming the file or
 * setting and the problem; the stack trace only with {@code --verbose}), 1 anything unexpected.
 */
@Command(name = "clearclip", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Training-free open-vocabulary semantic segmentation with ClearCLIP.",
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {

    static {
        // before any DJL class loads: the bundled libtorch is used and nothing is downloaded
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    /** Every subcommand, fresh per run; a subcommand reads the global options through {@code @ParentCommand Main main}. */
    public static final List<Supplier<Object>> SUBCOMMANDS = List.of(
            FeaturesCommand::new,
            EmbedTextCommand::new,
            PredictCommand::new,
            SegmentCommand::new,
            BenchCommand::new,
            dev.clearclip.eval.EvaluateCommand::new,
            dev.clearclip.render.RenderCommand::new,
            CompactCommand::new);

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces of errors")
    boolean verbose;

    @Option(names = "--offline", scope = ScopeType.INHERIT,
            description = "use only models already on disk or in the hub cache (also HF_HUB_OFFLINE=1)")
    boolean offline;

    @Option(names = "--allow-insecure-hub", scope = ScopeType.INHERIT,
            description = "allow a plain-http hub endpoint (HF_ENDPOINT) other than loopback, and https->http"
                    + " redirects: the token and weights then travel in clear")
    boolean allowInsecureHub;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // held strongly: java.util.logging forgets the level of loggers nobody references
    private static final Logger PROJECT_LOG = Logger.getLogger("dev.clearclip");

    public static void main(String[] args) {
        // retry warnings and the like would break the one-line error contract; --verbose shows them
        PROJECT_LOG.setLevel(Arrays.asList(args).contains("--verbose") ? Level.INFO : Level.SEVERE);
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line in this JVM and returns its exit status (tests call this). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        for (Supplier<Object> sub : SUBCOMMANDS) {
            cli.addSubcommand(sub.get());
        }
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        ErrorReporter reporter = new ErrorReporter();
        cli.setParameterExceptionHandler(reporter);
        cli.setExecutionExceptionHandler(reporter);
        return cli.execute(args);
    }

    public boolean verbose() {
        return verbose;
    }

    public boolean offline() {
        return offline;
    }

    /** Resolves {@code --model} arguments: folders as they are, hub ids through the cache (offline if asked). */
    public ModelResolver resolver() {
        return ModelResolver.fromEnvironment(hubAccess(this));
    }

    /** The global hub flags of {@code main}, or the defaults when a command runs without it (tests). */
    static HubAccess hubAccess(Main main) {
        return main == null ? HubAccess.DEFAULT : new HubAccess(main.offline, main.allowInsecureHub);
    }

    /** A {@code --model} argument as a local folder; a mistyped relative folder also reads as a hub id, so say both. */
    public ModelFolder resolveModel(String model) {
        try {
            return resolver().resolve(model);
        } catch (WeightsException e) {
            if (looksLikeMissingFolder(model)) {
                throw new WeightsException("--model " + model + ": no such folder, and as a hub id: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static boolean looksLikeMissingFolder(String model) {
        try {
            return !Files.exists(Path.of(model));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "give a command: " + String.join(", ", spec.subcommands().keySet()));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"clearclip " + (v == null ? "(development build)" : v)
                    + ", Java " + System.getProperty("java.version")};
        }
    }
}
