/**
 * Model files: the generic safetensors layer ({@link io.enhancedrl.model.io.SafeTensors}: validated reads,
 * atomic writes of F32 tensors and string metadata) and the engine's model file on top of it
 * ({@link io.enhancedrl.model.io.ModelFile}: named MLPs and ensembles plus caller properties such as the
 * feature layout, described by an {@code "architecture"} metadata entry).
 *
 * <p>Files written here open in any safetensors reader (Python {@code safetensors}, numpy with a few lines,
 * Rust); the loader rejects every malformed or inconsistent file with a
 * {@link io.enhancedrl.model.io.ModelFileException} naming the file, the problem and expected vs actual values.
 */
package io.enhancedrl.model.io;
