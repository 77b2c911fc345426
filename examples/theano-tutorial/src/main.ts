/**
 * The Theano tutorial, cell by cell, in TypeScript with sym.
 *
 * Each block below quotes the Theano original (Python 2, as in the
 * notebook) and prints what Theano prints, with NumPy >= 1.14 formatting.
 * The plotting-only cells are left out; the multilayer perceptron (cells
 * 19 to 24) is its own example, `examples/mlp`.
 *
 * No backend is imported here: `config.device` (default `cpu`, or
 * SYM_FLAGS=device=..., or a .symrc) names the backend, and sym loads
 * `@sym/backend-<device>` by that name the first time a function runs.
 */
import * as sym from '@sym/graph';
import { grad, jacobian } from '@sym/grad';

// import theano; import theano.tensor as T
const T = sym.T;

function cell(n: number): void {
  console.log(`In [${n}]:`);
}

// In [3]:
//   foo = T.scalar('foo')
//   bar = foo**2
//   print type(bar)
//   print bar.type
//   print theano.pp(bar)
cell(3);
const foo = T.scalar('foo');
let bar = foo.pow(2);
// Python's type(bar) is the class; in JavaScript that is bar.constructor.
console.log(bar.constructor);
console.log(String(bar.type));
console.log(sym.pp(bar));

// In [4]:
//   f = theano.function([foo], bar)
//   print f(3)
cell(4);
const f = sym.function([foo], bar);
console.log(String(await f(3)));

// In [5]:
//   print bar.eval({foo: 3})
cell(5);
console.log(String(await bar.eval({ foo: 3 })));

// In [6]:
//   def square(x):
//       return x**2
//   bar = square(foo)
//   print bar.eval({foo: 3})
cell(6);
const square = (x: sym.TensorVariable): sym.TensorVariable => x.pow(2);
bar = square(foo);
console.log(String(await bar.eval({ foo: 3 })));

// In [7]:
//   A = T.matrix('A')
//   x = T.vector('x')
//   b = T.vector('b')
//   y = T.dot(A, x) + b
//   z = T.sum(A**2)
//   linear_mix = theano.function([A, x, theano.Param(b, default=np.array([0, 0]))], [y, z])
//   print linear_mix(np.array([[1, 2, 3], [4, 5, 6]], dtype=theano.config.floatX), #A
//                    np.array([1, 2, 3], dtype=theano.config.floatX), #x
//                    np.array([4, 5], dtype=theano.config.floatX)) #b
//   print linear_mix(np.array([[1, 2, 3], [4, 5, 6]]), #A
//                    np.array([1, 2, 3])) #x
cell(7);
const A = T.matrix('A');
const x = T.vector('x');
const b = T.vector('b');
const y = T.dot(A, x).add(b);
// Squaring a matrix is element-wise.
const z = T.sum(A.pow(2));
const linearMix = sym.function([A, x, sym.In(b, { value: sym.array([0, 0]) })], [y, z]);
const floatX = sym.config.floatX;
console.log(
  sym.reprValue(
    await linearMix(
      sym.array([[1, 2, 3], [4, 5, 6]], { dtype: floatX }), // A
      sym.array([1, 2, 3], { dtype: floatX }), // x
      sym.array([4, 5], { dtype: floatX }), // b
    ),
  ),
);
// Using the default value for b (and int64 data, which casts safely to float64).
console.log(
  sym.reprValue(
    await linearMix(
      sym.array([[1, 2, 3], [4, 5, 6]]), // A
      sym.array([1, 2, 3]), // x
    ),
  ),
);

// In [8]:
//   shared_var = theano.shared(np.array([[1, 2], [3, 4]], dtype=theano.config.floatX))
//   print shared_var.type()
cell(8);
const sharedVar = sym.shared(sym.array([[1, 2], [3, 4]], { dtype: sym.config.floatX }));
// Calling a Theano type makes a fresh, unnamed variable of that type; it prints as <TensorType(...)>.
console.log(String(new sym.TensorVariable(sharedVar.type)));

// In [9]:
//   shared_var.set_value(np.array([[3, 4], [2, 1]], dtype=theano.config.floatX))
//   print shared_var.get_value()
cell(9);
sharedVar.setValue(sym.array([[3, 4], [2, 1]], { dtype: sym.config.floatX }));
console.log(String(sharedVar.getValue()));

// In [10]:
//   shared_squared = shared_var**2
//   function_1 = theano.function([], shared_squared)
//   print function_1()
cell(10);
const sharedSquared = sharedVar.pow(2);
// shared_var is an implicit input: it already has a value.
const function1 = sym.function([], sharedSquared);
console.log(String(await function1()));

// In [11]:
//   subtract = T.matrix('subtract')
//   function_2 = theano.function([subtract], shared_var, updates={shared_var: shared_var - subtract})
//   print "shared_var before subtracting [[1, 1], [1, 1]] using function_2:"
//   print shared_var.get_value()
//   function_2(np.array([[1, 1], [1, 1]]))
//   print "shared_var after calling function_2:"
//   print shared_var.get_value()
//   print "New output of function_1() (shared_var**2):"
//   print function_1()
cell(11);
const subtract = T.matrix('subtract');
const function2 = sym.function([subtract], sharedVar, { updates: [[sharedVar, sharedVar.sub(subtract)]] });
console.log('shared_var before subtracting [[1, 1], [1, 1]] using function_2:');
console.log(String(sharedVar.getValue()));
await function2(sym.array([[1, 1], [1, 1]]));
console.log('shared_var after calling function_2:');
// The newest value may live on the device; getValueAsync works on every backend.
console.log(String(await sharedVar.getValueAsync()));
// function_1 sees the new value too, because shared_var is shared.
console.log('New output of function_1() (shared_var**2):');
console.log(String(await function1()));

// In [12]:
//   bar_grad = T.grad(bar, foo)
//   bar_grad.eval({foo: 10})
// Out[12]: array(20.0)
cell(12);
// Recall that bar = foo**2; we expect bar_grad = 2*foo.
const barGrad = grad(bar, foo);
// A notebook shows the value of a cell's last expression with repr().
console.log((await barGrad.eval({ foo: 10 })).repr());

// In [13]:
//   y_J = theano.gradient.jacobian(y, x)
//   linear_mix_J = theano.function([A, x, b], y_J)
//   print linear_mix_J(np.array([[9, 8, 7], [4, 5, 6]]), #A
//                      np.array([1, 2, 3]), #x
//                      np.array([4, 5])) #b
cell(13);
// Recall that y = Ax + b; because it is a linear mix, the Jacobian is always A.
const yJ = jacobian(y, x);
const linearMixJ = sym.function([A, x, b], yJ);
console.log(
  String(
    await linearMixJ(
      sym.array([[9, 8, 7], [4, 5, 6]]), // A
      sym.array([1, 2, 3]), // x
      sym.array([4, 5]), // b
    ),
  ),
);
// hessian, from @sym/grad too, works the same way.

// In [14]:
//   num = T.scalar('num')
//   den = T.scalar('den')
//   divide = theano.function([num, den], num/den)
//   print divide(10, 2)
//   print divide(0, 0)
cell(14);
const num = T.scalar('num');
const den = T.scalar('den');
let divide = sym.function([num, den], num.div(den));
console.log(String(await divide(10, 2)));
// This will cause a NaN.
console.log(String(await divide(0, 0)));

// In [15]:
//   divide = theano.function([num, den], num/den, mode='DebugMode')
//   print divide(0, 0)
cell(15);
divide = sym.function([num, den], num.div(den), { mode: 'DebugMode' });
// NaNs now cause errors; the notebook shows the traceback, we print the error.
try {
  console.log(String(await divide(0, 0)));
} catch (e) {
  const err = e as Error;
  console.log(`${err.name}: ${err.message}`);
}

// In [16]:
//   print theano.config.device
//   print theano.config.floatX
cell(16);
console.log(sym.config.device);
console.log(sym.config.floatX);

// In [17]:
//   old_floatX = theano.config.floatX
//   theano.config.floatX = 'float32'
cell(17);
const oldFloatX = sym.config.floatX;
sym.config.floatX = 'float32';

// In [18]:
//   var = theano.shared(np.array([1.3, 2.4]))
//   print var.type() #!!!
//   var = theano.shared(np.array([1.3, 2.4], dtype=theano.config.floatX))
//   print var.type()
//   theano.config.floatX = old_floatX
cell(18);
// Plain numbers are float64, whatever floatX says (NumPy's default, too).
let v = sym.shared(sym.array([1.3, 2.4]));
console.log(String(new sym.TensorVariable(v.type))); // !!!
// So give arrays the floatX dtype explicitly.
v = sym.shared(sym.array([1.3, 2.4], { dtype: sym.config.floatX }));
console.log(String(new sym.TensorVariable(v.type)));
sym.config.floatX = oldFloatX;
