/** The age identities for encrypted backups (`--identity FILE`, else `$SLIPWAY_BACKUP_IDENTITY`), read when a command needs them. */
export async function identitiesFrom(file: string | undefined): Promise<string[]> {
  const { readIdentities } = await import("../agent/backups/identities.js");
  return readIdentities(file);
}
