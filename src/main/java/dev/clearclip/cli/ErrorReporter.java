package dev.clearclip.cli;

import dev.clearclip.image.ImageDecodeException;
import dev.clearclip.io.Redact;
import dev.clearclip.weights.WeightsException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Turns every failure into one stderr line {@code clearclip <command>: <problem>}: bad input or usage exits 2,
 * anything else 1. Scripts grep that line, so the stack trace is printed only with {@code --verbose}.
 */
final class ErrorReporter implements CommandLine.IParameterExceptionHandler, CommandLine.IExecutionExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int INTERNAL = 1;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        String help = cli.getCommandName().equals("clearclip") ? "clearclip --help" : qualifiedName(cli) + " --help";
        report(cli, oneLine(ex.getMessage()) + " (see '" + help + "')", ex, Arrays.asList(args).contains("--verbose"));
        return BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        boolean input = isBadInput(ex);
        String message = describe(ex);
        report(cli, input ? message : "internal error: " + ex.getClass().getName() + ": " + message, ex,
                matched(parsed, "--verbose"));
        return input ? BAD_INPUT : INTERNAL;
    }

    static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof WeightsException || e instanceof IOException
                || e instanceof UncheckedIOException || e instanceof ImageDecodeException
                || e instanceof ParameterException;
    }

    /** The problem in one line; file-system exceptions carry only a path as their message, so say what happened. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        if (e instanceof AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (e instanceof ImageDecodeException d) {
            return "cannot decode image " + oneLine(d.getMessage()) + " ("
                    + d.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
        }
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : oneLine(e.getMessage());
    }

    private static void report(CommandLine cli, String message, Throwable e, boolean verbose) {
        PrintWriter err = cli.getErr();
        err.println(qualifiedName(cli) + ": " + Redact.text(message));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    private static String qualifiedName(CommandLine cli) {
        return cli.getParent() == null ? cli.getCommandName() : qualifiedName(cli.getParent()) + " " + cli.getCommandName();
    }

    private static boolean matched(ParseResult parsed, String option) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
