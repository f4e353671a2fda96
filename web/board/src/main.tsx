import { render } from 'preact';
import { App } from './app';
import './style.css';

const root = document.getElementById('app')!;
// The "loading" line the HTML shows until the script runs.
root.replaceChildren();
render(<App />, root);
