package dev.clearclip.cli;

import ai.djl.Device;
import dev.clearclip.vocabulary.QueryEmbeddings;
import dev.clearclip.io.Npy;
import dev.clearclip.model.LastBlockVariant;
import dev.clearclip.model.ClipModel;
import dev.clearclip.vocabulary.TextEmbedder;
import dev.clearclip.vocabulary.Vocabulary;
import dev.clearclip.weights.ModelFolder;
import dev.clearclip.weights.ModelLoader;
import dev.clearclip.weights.Towers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Query embeddings of a class list: every name in the 80 ImageNet templates, ensembled as ClearCLIP does. */
@Command(name = "embed-text", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Normalised text embeddings of a class list, one row per name (only the text encoder is loaded).")
final class EmbedTextCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL",
            description = "model folder (Hugging Face or OpenCLIP layout) or hub id, e.g. openai/clip-vit-base-patch16")
    String model;

    @Option(names = "--classes", required = true, paramLabel = "FILE|PRESET",
            description = "class file (one class per line, comma-separated synonyms) or a preset name (e.g. voc21)")
    String classes;

    @Option(names = "--out", required = true, paramLabel = "T.npy",
            description = "float32 [Q, E]: one row per name, synonyms expanded in file order")
    Path out;

    @Override
    public Integer call() throws Exception {
        Vocabulary vocabulary = Inputs.vocabulary(classes);
        ModelFolder folder = main.resolveModel(model);
        QueryEmbeddings embeddings;
        try (ClipModel clip = ClipModel.load(ModelLoader.load(folder, Towers.TEXT), LastBlockVariant.CLEARCLIP, Towers.TEXT,
                Device.cpu())) {
            embeddings = TextEmbedder.withImageNetTemplates(clip).embed(vocabulary);
        }
        Npy.writeFloat32(out, embeddings.features(), embeddings.queries(), embeddings.embedDim());
        spec.commandLine().getOut().printf("wrote %s: float32 [%d, %d] (%d classes of %s)%n", out,
                embeddings.queries(), embeddings.embedDim(), embeddings.classes(), vocabulary.name());
        return 0;
    }
}
