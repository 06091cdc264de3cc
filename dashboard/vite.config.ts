import { defineConfig } from "vite";

// Built by `vite build dashboard` into dashboard/dist, which the Worker serves as static assets.
export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true },
});
