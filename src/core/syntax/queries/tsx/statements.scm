; inherits: typescript
; TSX statements are TypeScript's.
