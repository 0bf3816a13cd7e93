// Vite's client types: `import './styles.css'` and the other asset imports.
/// <reference types="vite/client" />
