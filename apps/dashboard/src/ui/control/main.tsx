import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ControlPage } from './ControlPage.tsx';
import './control.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControlPage />
  </StrictMode>,
);
