import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/base.css';
import '../styles/sidebar.css';
import '../styles/appointments.css';
import '../styles/coupons.css';
import '../styles/content-picker.css';
import '../styles/tasks.css';
import '../styles/tags.css';
import { SidebarApp } from './SidebarApp';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing');
createRoot(root).render(
  <StrictMode>
    <SidebarApp />
  </StrictMode>,
);
