/** The {@code trellis} command: one class per subcommand. */
package io.trellis.cli;
