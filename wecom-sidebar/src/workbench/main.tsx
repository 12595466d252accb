import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/base.css';
import '../styles/appointments.css';
import '../styles/workbench.css';
import '../styles/campaigns.css';
import '../styles/content.css';
import '../styles/tasks.css';
import '../styles/tags.css';
import '../styles/journeys.css';
import { WorkbenchApp } from './WorkbenchApp';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing');
createRoot(root).render(
  <StrictMode>
    <WorkbenchApp />
  </StrictMode>,
);
