// Reference encoder for the Hugging Face parity tests: Hugging Face's Rust tokenizers (npm `tokenizers`, installed
// under argv[2] = <repo>/.tools/node_modules by tests/tools/install-tokenizer-reference.sh). argv[3] names a JSON file
// {"tokenizer": PATH, "plain": BOOL, "texts": [...]}; prints a JSON array with the ids of each text, as
// encode(text, add_special_tokens=false). With "plain" the special added tokens are removed from the tokenizer
// first, which is what encode_special_tokens=true does (their text goes through normalizer, pre-tokenizer and model).
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(path.join(process.argv[2], 'tokenizers'));
const request = JSON.parse(fs.readFileSync(process.argv[3], 'utf-8'));
let json = fs.readFileSync(request.tokenizer, 'utf-8');
if (request.plain) {
  const doc = JSON.parse(json);
  doc.added_tokens = (doc.added_tokens || []).filter(t => !t.special);
  json = JSON.stringify(doc);
}
const tokenizer = Tokenizer.fromString(json);
(async () => {
  const out = [];
  for (const text of request.texts) {
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    out.push(encoding.getIds());
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
