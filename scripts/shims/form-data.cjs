'use strict';
// Bundled in place of `form-data` for axios, which imports it at load time only to have a
// multipart class at hand. Loading it pulls in mime-types' database (about 9 ms of start-up);
// this product never sends multipart bodies, so the real one loads only if something does.
module.exports = function FormData(...args) {
  const Real = require('form-data');
  return new Real(...args);
};
