/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The app loads the built files from ui/dist (tauri.conf.json frontendDist).
export default defineConfig({
  root: ".",
  base: "./",
  clearScreen: false,
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    // No inline scripts or data: URLs: the CSP allows 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
  },
});
