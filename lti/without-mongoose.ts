import Module, { createRequire } from 'node:module';

/**
 * ltijs requires mongoose when it loads, for its default MongoDB store, which Silta never uses: it
 * gives ltijs ltijs-sequelize instead. Loading mongoose (and mongodb through it) costs about 28 MB
 * of memory and 0.3 s of CPU per process. Before ltijs loads, this puts a stand-in in the module
 * cache where ltijs would find mongoose; ltijs only reads `mongoose.Schema` as it loads and uses
 * it only when no database plugin is given, which the stand-in refuses loudly.
 */
export function keepMongooseUnloaded(): void {
  const fromLtijs = createRequire(require.resolve('ltijs'));
  const resolved = fromLtijs.resolve('mongoose');
  if (require.cache[resolved]) return;
  const refuse = () => {
    throw new Error('Silta gives ltijs a Sequelize database; mongoose is not loaded');
  };
  const standIn = new Module(resolved);
  standIn.filename = resolved;
  standIn.loaded = true;
  standIn.exports = {
    Schema: function Schema() {
      refuse();
    },
    set: refuse,
    model: refuse,
    connect: refuse,
  };
  require.cache[resolved] = standIn;
}
