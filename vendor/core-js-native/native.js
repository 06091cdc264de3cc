// Nothing to polyfill: the runtimes CreatorOps runs on have these features natively.
export {};
