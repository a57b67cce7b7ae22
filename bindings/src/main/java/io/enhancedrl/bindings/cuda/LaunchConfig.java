package io.enhancedrl.bindings.cuda;

/** Grid, block and dynamic shared memory of one launch, as erl_kernels.h specifies them per kernel. */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("launch configuration: expected grid and block >= 1 and shared >= 0 but was "
                    + "grid (" + gridX + ", " + gridY + ", " + gridZ + ") block (" + blockX + ", " + blockY + ", "
                    + blockZ + ") shared " + sharedBytes);
        }
    }

    /** A 1-D grid of 1-D blocks without dynamic shared memory. */
    public static LaunchConfig linear(int grid, int block) {
        return new LaunchConfig(grid, 1, 1, block, 1, 1, 0);
    }

    @Override
    public String toString() {
        return "grid (" + gridX + ", " + gridY + ", " + gridZ + ") block (" + blockX + ", " + blockY + ", " + blockZ
                + ") smem " + sharedBytes;
    }
}
