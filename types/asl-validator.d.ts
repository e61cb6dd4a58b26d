// asl-validator ships its TypeScript sources but no declarations in its package entry; this is the API the
// tests use.
declare module 'asl-validator' {
  interface ValidationResult {
    isValid: boolean;
    errors: unknown[];
    errorsText: (separator?: string) => string;
  }
  function validator(
    definition: Record<string, unknown>,
    options?: { checkPaths: boolean; checkArn: boolean },
  ): ValidationResult;
  export = validator;
}
