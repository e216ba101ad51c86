"""Drop-in replacements for the Python packages this project grew from: change the import,
keep the code. Each module offers the original's public names, signatures and defaults,
signing through the Rust core; where an original deviates from AWS, these follow AWS (the
package README lists each difference)."""
