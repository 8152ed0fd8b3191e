// Express 4 is installed under the alias `express4` so that the suite runs against both majors.
// Its API as used by the tests is the same as Express 5's, so Express 5's types describe it.
declare module 'express4' {
  import express from 'express';
  export default express;
}
