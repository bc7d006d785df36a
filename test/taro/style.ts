/** Style imports (`.scss`, `.css`) resolve to nothing under jest. */
export default {};
