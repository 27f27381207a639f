package dev.clearclip.deploy;

/** What DJL's pytorch-jni (on the class path through the job's dependencies) carries. */
final class Libtorch {

    private Libtorch() {
    }

    /** Whether the job jar carries DJL's JNI library for this libtorch flavor on linux-x86_64. */
    static boolean jniExists(String flavor) {
        return Libtorch.class.getResource("/jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so") != null;
    }
}
